// Exposes the system <sqlite3.h> to Swift (module CSQLite) for the `sqlite` state store, plus the one
// thing Swift cannot import from it: SQLITE_TRANSIENT is a macro casting -1 to a function pointer.
#ifndef GATEWAY_CSQLITE_SHIM_H
#define GATEWAY_CSQLITE_SHIM_H

#include <sqlite3.h>

/// SQLITE_TRANSIENT: sqlite3_bind_text/blob copy the bytes before returning.
static inline sqlite3_destructor_type csqlite_transient(void) {
    return SQLITE_TRANSIENT;
}

#endif
