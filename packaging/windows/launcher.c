/* TramHoc.exe: starts the player with the Python beside it, `python\pythonw.exe -m player ARGS`, and
   exits. Its only jobs are an icon to click and a program for shortcuts and for opening .tramhoc files. */
#include <windows.h>
#include <wchar.h>

static const wchar_t *arguments_after_program(const wchar_t *line)
{
    int quoted = 0;
    for (; *line && (quoted || (*line != L' ' && *line != L'\t')); line++)
        if (*line == L'"')
            quoted = !quoted;
    while (*line == L' ' || *line == L'\t')
        line++;
    return line;
}

int WINAPI wWinMain(HINSTANCE instance, HINSTANCE previous, PWSTR ignored, int show)
{
    wchar_t folder[MAX_PATH], command[32768];
    DWORD length = GetModuleFileNameW(NULL, folder, MAX_PATH);
    if (length == 0 || length >= MAX_PATH)
        return 1;
    wchar_t *slash = wcsrchr(folder, L'\\');
    if (slash)
        *slash = L'\0';
    const wchar_t *rest = arguments_after_program(GetCommandLineW());
    if (_snwprintf(command, 32768, L"\"%ls\\python\\pythonw.exe\" -m player %ls", folder, rest) < 0)
        return 1;

    STARTUPINFOW startup = {sizeof startup};
    PROCESS_INFORMATION process;
    if (!CreateProcessW(NULL, command, NULL, NULL, FALSE, 0, NULL, folder, &startup, &process)) {
        MessageBoxW(NULL, L"Kh\u00f4ng ch\u1ea1y \u0111\u01b0\u1ee3c python\\pythonw.exe. "
                          L"H\u00e3y c\u00e0i l\u1ea1i Tr\u1ea1m H\u1ecdc.", L"Tr\u1ea1m H\u1ecdc",
                    MB_OK | MB_ICONERROR);
        return 1;
    }
    CloseHandle(process.hThread);
    CloseHandle(process.hProcess);
    return 0;
}
