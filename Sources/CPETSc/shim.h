// PETSc (real scalars, 32-bit indices), from Debian's libpetsc-real-dev. PETSC_COMM_WORLD is a
// mutable C global and PETSC_DECIDE/PETSC_DEFAULT are macros, so Swift reads them through these
// functions. petsc.pc lacks MPI's include path: targets importing this module also depend on CMPI.
#include <petscksp.h>

static inline MPI_Comm cpetsc_comm_world(void) { return PETSC_COMM_WORLD; }
static inline PetscInt cpetsc_decide(void) { return PETSC_DECIDE; }
static inline PetscReal cpetsc_default_real(void) { return (PetscReal)PETSC_DEFAULT; }

/// Makes PETSc errors return their code silently (callers turn them into thrown errors).
static inline PetscErrorCode cpetsc_return_errors(void) { return PetscPushErrorHandler(PetscReturnErrorHandler, NULL); }

/// The text of error `code` (static storage), or "unknown PETSc error".
static inline const char *cpetsc_error_text(PetscErrorCode code) {
  const char *text = NULL;
  PetscErrorMessage(code, &text, NULL);
  return text ? text : "unknown PETSc error";
}
