/* Test harness only (Wine 8 lacks it; Windows 8 and later have it): bcryptprimitives.dll's ProcessPrng,
   which Rust-built extension modules (cryptography, nh3) import. Never shipped in the package. */
#include <windows.h>
#include <ntsecapi.h>

BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T size)
{
    while (size > 0) {
        ULONG chunk = size > 0x10000000 ? 0x10000000 : (ULONG)size;
        if (!RtlGenRandom(data, chunk))
            return FALSE;
        data += chunk;
        size -= chunk;
    }
    return TRUE;
}
