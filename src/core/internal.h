/* internal.h — marks a function shared between the files of one module but
 * not part of the library's API: SG_INTERNAL keeps it out of the symbols a
 * shared build would export.  Such functions are named sg_<module>__name
 * or live in a <module>_internal.h header; nothing outside the module calls
 * them. */
#ifndef SG_INTERNAL_H
#define SG_INTERNAL_H

#if defined(__GNUC__)
#define SG_INTERNAL __attribute__((visibility("hidden")))
#else
#define SG_INTERNAL
#endif

#endif
