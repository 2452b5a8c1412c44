// Everything in this module is inline in include/CCortexShims.h; SwiftPM needs one C file.
#include "CCortexShims.h"
