# The HID report-descriptor addon (see src/hookswitch-hid.c). Built by native/build.mjs, which the
# package's install script runs. hidapi itself is not copied here: its sources ship in node-hid's npm
# package (hidapi 0.15.0 with node-hid 3.4.0), found through Node's own module resolution.
{
  'variables': {
    # Relative to this folder, because gyp's make generator mangles absolute source paths.
    'hidapi_dir%': '<!(node -p "const p = require(\'path\'); p.relative(\'.\', p.join(p.dirname(require.resolve(\'node-hid/package.json\')), \'hidapi\')).split(p.sep).join(\'/\')")',
  },
  'targets': [
    {
      'target_name': 'hookswitch_hid',
      'sources': ['src/hookswitch-hid.c', 'src/wide-to-utf8.c'],
      'include_dirs': ['<(hidapi_dir)/hidapi'],
      # N-API 8 is in every Node >= 16 and every current Electron: one build serves both, so no
      # rebuild against Electron's headers is needed.
      'defines': ['NAPI_VERSION=8', '_LARGEFILE_SOURCE', '_FILE_OFFSET_BITS=64'],
      'conditions': [
        ['OS=="win"', {
          # windows/hid.c #includes hidapi_descriptor_reconstruct.c itself (the descriptor is
          # rebuilt from the preparsed data) and loads hid.dll and cfgmgr32.dll at run time.
          'sources': ['<(hidapi_dir)/windows/hid.c'],
          'include_dirs': ['<(hidapi_dir)/windows'],
          # Keeps hidapi's functions private to this .node instead of exported from it.
          'defines': ['HID_API_NO_EXPORT_DEFINE', '_CRT_SECURE_NO_WARNINGS'],
          'msvs_settings': {
            'VCCLCompilerTool': { 'DisableSpecificWarnings': ['4267', '4244', '4996'] },
            'VCLinkerTool': { 'AdditionalDependencies': ['setupapi.lib'] },
          },
        }],
        ['OS=="mac"', {
          'sources': ['<(hidapi_dir)/mac/hid.c'],
          'include_dirs': ['<(hidapi_dir)/mac'],
          'xcode_settings': {
            'MACOSX_DEPLOYMENT_TARGET': '10.15',
            'GCC_SYMBOLS_PRIVATE_EXTERN': 'YES',
            'OTHER_CFLAGS': ['-Wno-sign-compare'],
            'OTHER_LDFLAGS': ['-framework IOKit', '-framework CoreFoundation', '-framework AppKit'],
          },
        }],
        ['OS=="linux"', {
          # The hidraw backend (what node-hid's HID_hidraw build uses), which needs libudev.
          'sources': ['<(hidapi_dir)/linux/hid.c'],
          'cflags': ['-fvisibility=hidden'],
          'libraries': ['-ludev'],
        }],
      ],
    },
  ],
}
