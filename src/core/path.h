/* path.h — joining and splitting file paths.  Results are malloc'ed; the
 * caller frees them with free(). */
#ifndef SG_PATH_H
#define SG_PATH_H

/* malloc'ed path: `rel` if it is absolute or base_dir is NULL/"" /".",
 * else base_dir + "/" + rel. NULL on allocation failure. */
char *sg_path_join(const char *base_dir, const char *rel);

/* malloc'ed directory part of path ("." when path has no '/'). */
char *sg_path_dirname(const char *path);

#endif
