/* An LD_PRELOAD stand-in for the hidraw driver, so the addon's successful read runs on a machine
   without USB: a regular file whose name starts with "fake-hidraw" answers hidraw's descriptor
   ioctls with its own bytes ("fake-hidraw-broken" opens, then fails the read with EIO). Every other ioctl goes to
   the C library. Used by test/unit/app/native-descriptor-addon.test.ts. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <linux/hidraw.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

typedef int (*ioctl_function)(int, unsigned long, ...);

/* 0: not a fake device; 1: a fake one; 2: the broken fake. */
static int fake_kind(int fd) {
  char link[64];
  char target[4096];
  const char *name;
  ssize_t length;
  snprintf(link, sizeof link, "/proc/self/fd/%d", fd);
  length = readlink(link, target, sizeof target - 1);
  if (length <= 0) return 0;
  target[length] = '\0';
  name = strrchr(target, '/');
  name = name != NULL ? name + 1 : target;
  if (strncmp(name, "fake-hidraw", 11) != 0) return 0;
  return strncmp(name, "fake-hidraw-broken", 18) == 0 ? 2 : 1;
}

int ioctl(int fd, unsigned long request, ...) {
  static ioctl_function real_ioctl = NULL;
  va_list args;
  void *argument;
  int kind;
  va_start(args, request);
  argument = va_arg(args, void *);
  va_end(args);
  kind = (request == HIDIOCGRDESCSIZE || request == HIDIOCGRDESC) ? fake_kind(fd) : 0;
  if (kind == 2 && request == HIDIOCGRDESC) {
    errno = EIO;
    return -1;
  }
  if (kind != 0) {
    struct stat about;
    if (fstat(fd, &about) != 0) return -1;
    if (request == HIDIOCGRDESCSIZE) {
      *(int *)argument = about.st_size > HID_MAX_DESCRIPTOR_SIZE ? HID_MAX_DESCRIPTOR_SIZE : (int)about.st_size;
      return 0;
    } else {
      struct hidraw_report_descriptor *descriptor = (struct hidraw_report_descriptor *)argument;
      size_t size = descriptor->size > HID_MAX_DESCRIPTOR_SIZE ? HID_MAX_DESCRIPTOR_SIZE : descriptor->size;
      return pread(fd, descriptor->value, size, 0) < 0 ? -1 : 0;
    }
  }
  if (real_ioctl == NULL) real_ioctl = (ioctl_function)dlsym(RTLD_NEXT, "ioctl");
  return real_ioctl(fd, request, argument);
}
