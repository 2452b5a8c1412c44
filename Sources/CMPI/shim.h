#ifndef CORTEX_CMPI_SHIM_H
#define CORTEX_CMPI_SHIM_H
// Open MPI's C API. Its handles (MPI_COMM_WORLD, MPI_FLOAT, MPI_SUM, ...) are macros that take
// the address of library globals, which Swift cannot import: these accessors return them.
#include <mpi.h>

static inline MPI_Comm cortex_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Errhandler cortex_mpi_errors_return(void) { return MPI_ERRORS_RETURN; }
static inline void *cortex_mpi_in_place(void) { return MPI_IN_PLACE; }
static inline MPI_Info cortex_mpi_info_null(void) { return MPI_INFO_NULL; }

static inline MPI_Datatype cortex_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype cortex_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype cortex_mpi_int32(void) { return MPI_INT32_T; }
static inline MPI_Datatype cortex_mpi_int64(void) { return MPI_INT64_T; }
static inline MPI_Datatype cortex_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Datatype cortex_mpi_byte(void) { return MPI_BYTE; }

static inline MPI_Op cortex_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Op cortex_mpi_min(void) { return MPI_MIN; }
static inline MPI_Op cortex_mpi_max(void) { return MPI_MAX; }

enum {
    cortex_mpi_success = MPI_SUCCESS,
    cortex_mpi_thread_funneled = MPI_THREAD_FUNNELED,
    cortex_mpi_thread_serialized = MPI_THREAD_SERIALIZED,
    cortex_mpi_max_error_string = MPI_MAX_ERROR_STRING,
    cortex_mpi_max_processor_name = MPI_MAX_PROCESSOR_NAME,
    cortex_mpi_comm_type_shared = MPI_COMM_TYPE_SHARED,
};

// glibc's on_exit passes the exit status to the handler (atexit does not): MPI is finalized only
// on a successful exit and aborted otherwise.
#include <stdlib.h>
static inline int cortex_on_exit(void (*handler)(int, void *)) { return on_exit(handler, NULL); }

#endif
