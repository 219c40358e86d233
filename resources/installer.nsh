; Windows installer additions (electron-builder includes this file; see electron-builder.yml).
;
; Windows lists a program under Settings > Default apps for tel:, sip:, sips: and callto: only when
; it declares those link types as capabilities. The user (or IT, by policy) then picks Hookswitch
; there; the app's "Make default" button opens that page. SHCTX follows the install mode: the
; current user's registry for a per-user install, the machine's for a per-machine one.

!macro customInstall
  WriteRegStr SHCTX "Software\Classes\Hookswitch.Link" "" "Hookswitch link"
  WriteRegStr SHCTX "Software\Classes\Hookswitch.Link\DefaultIcon" "" "$INSTDIR\${APP_EXECUTABLE_FILENAME},0"
  WriteRegStr SHCTX "Software\Classes\Hookswitch.Link\shell\open\command" "" '"$INSTDIR\${APP_EXECUTABLE_FILENAME}" "%1"'
  WriteRegStr SHCTX "Software\Hookswitch\Capabilities" "ApplicationName" "Hookswitch"
  WriteRegStr SHCTX "Software\Hookswitch\Capabilities" "ApplicationDescription" "Calls the numbers of tel:, sip: and callto: links"
  WriteRegStr SHCTX "Software\Hookswitch\Capabilities\URLAssociations" "tel" "Hookswitch.Link"
  WriteRegStr SHCTX "Software\Hookswitch\Capabilities\URLAssociations" "sip" "Hookswitch.Link"
  WriteRegStr SHCTX "Software\Hookswitch\Capabilities\URLAssociations" "sips" "Hookswitch.Link"
  WriteRegStr SHCTX "Software\Hookswitch\Capabilities\URLAssociations" "callto" "Hookswitch.Link"
  WriteRegStr SHCTX "Software\RegisteredApplications" "Hookswitch" "Software\Hookswitch\Capabilities"
!macroend

!macro customUnInstall
  DeleteRegValue SHCTX "Software\RegisteredApplications" "Hookswitch"
  DeleteRegKey SHCTX "Software\Hookswitch\Capabilities"
  DeleteRegKey /ifempty SHCTX "Software\Hookswitch"
  DeleteRegKey SHCTX "Software\Classes\Hookswitch.Link"
!macroend
