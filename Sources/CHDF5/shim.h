// HDF5 (serial), from Debian's libhdf5-dev. The H5T_NATIVE_*, H5F_ACC_* and H5P_* identifiers
// are macros (several call H5open()), so Swift reads them through these functions.
#include <hdf5.h>
#include <string.h>

static inline hid_t chdf5_native_double(void) { return H5T_NATIVE_DOUBLE; }
static inline hid_t chdf5_ieee_f32le(void) { return H5T_IEEE_F32LE; }
static inline unsigned chdf5_acc_rdonly(void) { return H5F_ACC_RDONLY; }
static inline unsigned chdf5_acc_trunc(void) { return H5F_ACC_TRUNC; }
static inline hid_t chdf5_p_default(void) { return H5P_DEFAULT; }
static inline hid_t chdf5_s_all(void) { return H5S_ALL; }

/// The automatic error printer of the default error stack, saved to be restored.
typedef struct {
  H5E_auto2_t function;
  void *data;
} chdf5_error_printer;

/// Turns off HDF5's printing of errors to stderr (callers turn failures into thrown errors) and
/// returns what was there, for chdf5_restore_errors.
static inline chdf5_error_printer chdf5_silence_errors(void) {
  chdf5_error_printer saved;
  H5Eget_auto2(H5E_DEFAULT, &saved.function, &saved.data);
  H5Eset_auto2(H5E_DEFAULT, NULL, NULL);
  return saved;
}

static inline void chdf5_restore_errors(chdf5_error_printer saved) { H5Eset_auto2(H5E_DEFAULT, saved.function, saved.data); }

typedef struct {
  char *buffer;
  size_t capacity;
  size_t used;
} chdf5_names;

static inline herr_t chdf5_collect_name(hid_t group, const char *name, const H5L_info_t *info, void *context) {
  (void)group;
  (void)info;
  chdf5_names *names = (chdf5_names *)context;
  size_t length = strlen(name);
  if (names->used + length + 2 < names->capacity) {
    if (names->used > 0) names->buffer[names->used++] = ',';
    memcpy(names->buffer + names->used, name, length);
    names->used += length;
    names->buffer[names->used] = 0;
  }
  return 0;
}

/// The names of the links in `group`, comma-separated, into `buffer` (truncated to `capacity`).
static inline void chdf5_list_names(hid_t group, char *buffer, size_t capacity) {
  chdf5_names names = {buffer, capacity, 0};
  if (capacity > 0) buffer[0] = 0;
  H5Literate(group, H5_INDEX_NAME, H5_ITER_NATIVE, NULL, chdf5_collect_name, &names);
}
