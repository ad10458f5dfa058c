; The Trạm Học installer (NSIS 3, built on Linux by scripts/package-windows; see docs/windows.md).
; makensis -DVERSION=x.y.z -DSTAGE=<the staged TramHoc folder> -DOUTFILE=<installer.exe> tramhoc.nsi
; Per machine under Program Files; learners' data in %ProgramData%\TramHoc, which every local account may
; change; upgrades replace the program and keep the data; uninstalling keeps the data unless asked.

Unicode true
Target amd64-unicode
SetCompressor /SOLID lzma
SetCompressorDictSize 64
RequestExecutionLevel admin
ManifestDPIAware true

!include MUI2.nsh
!include LogicLib.nsh

!define APP "Trạm Học"
!define KEY "Software\Microsoft\Windows\CurrentVersion\Uninstall\TramHoc"
!define WEBVIEW2 "SOFTWARE\WOW6432Node\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}"
!define DOTNET "SOFTWARE\Microsoft\NET Framework Setup\NDP\v4\Full"
!define DOTNET_472 461808  ; pythonnet, and so pywebview's window, needs .NET Framework 4.7.2 or later

Name "${APP} ${VERSION}"
OutFile "${OUTFILE}"
InstallDir "$PROGRAMFILES64\TramHoc"
InstallDirRegKey HKLM "${KEY}" "InstallLocation"
BrandingText "${APP} ${VERSION}"

!define MUI_ICON "${STAGE}\tramhoc.ico"
!define MUI_UNICON "${STAGE}\tramhoc.ico"
!define MUI_ABORTWARNING
!define MUI_FINISHPAGE_RUN "$INSTDIR\TramHoc.exe"
!define MUI_FINISHPAGE_RUN_TEXT "$(RunNow)"
!insertmacro MUI_PAGE_WELCOME
!insertmacro MUI_PAGE_DIRECTORY
!insertmacro MUI_PAGE_INSTFILES
!insertmacro MUI_PAGE_FINISH
!insertmacro MUI_UNPAGE_CONFIRM
!insertmacro MUI_UNPAGE_COMPONENTS
!insertmacro MUI_UNPAGE_INSTFILES
!insertmacro MUI_LANGUAGE "Vietnamese"  ; the first language is the default; English where Windows is English
!insertmacro MUI_LANGUAGE "English"

LangString RunNow ${LANG_VIETNAMESE} "Mở Trạm Học ngay"
LangString RunNow ${LANG_ENGLISH} "Open Trạm Học now"
LangString Builder ${LANG_VIETNAMESE} "Trạm Học – soạn bài"
LangString Builder ${LANG_ENGLISH} "Trạm Học – soạn bài"
LangString CourseFile ${LANG_VIETNAMESE} "Khoá học Trạm Học"
LangString CourseFile ${LANG_ENGLISH} "Trạm Học course"
LangString NoWebView2 ${LANG_VIETNAMESE} "Máy này chưa có Microsoft Edge WebView2 Runtime, nên Trạm Học sẽ mở trong trình duyệt web thay vì cửa sổ riêng.$\r$\n$\r$\nĐể có cửa sổ riêng, hãy cài “Microsoft Edge WebView2 Runtime” (bản Evergreen Standalone, cài được khi không có mạng; tải từ trang developer.microsoft.com/microsoft-edge/webview2) rồi mở lại Trạm Học. Dữ liệu học viên không bị ảnh hưởng."
LangString NoWebView2 ${LANG_ENGLISH} "This PC has no Microsoft Edge WebView2 Runtime, so Trạm Học will open in the web browser instead of its own window.$\r$\n$\r$\nFor its own window, install the “Microsoft Edge WebView2 Runtime” (the Evergreen Standalone installer works offline; from developer.microsoft.com/microsoft-edge/webview2), then open Trạm Học again. Learners' data is not affected."
LangString NoDotNet ${LANG_VIETNAMESE} "Máy này chưa có .NET Framework 4.7.2 trở lên, nên Trạm Học sẽ mở trong trình duyệt web thay vì cửa sổ riêng.$\r$\n$\r$\nĐể có cửa sổ riêng, hãy cài .NET Framework 4.8 (bản cài ngoại tuyến của Microsoft; có sẵn qua Windows Update) rồi mở lại Trạm Học."
LangString NoDotNet ${LANG_ENGLISH} "This PC has no .NET Framework 4.7.2 or later, so Trạm Học will open in the web browser instead of its own window.$\r$\n$\r$\nFor its own window, install .NET Framework 4.8 (Microsoft's offline installer; also through Windows Update), then open Trạm Học again."
LangString ProgramSection ${LANG_VIETNAMESE} "Chương trình Trạm Học"
LangString ProgramSection ${LANG_ENGLISH} "The Trạm Học program"
LangString DataSection ${LANG_VIETNAMESE} "Xoá cả dữ liệu học viên (học viên, tiến độ, khoá học, khoá tin cậy, cài đặt)"
LangString DataSection ${LANG_ENGLISH} "Also delete learners' data (learners, progress, courses, trusted keys, settings)"

Var DataDir

Function .onInit
  SetShellVarContext all
  StrCpy $DataDir "$APPDATA\TramHoc"
FunctionEnd

Function un.onInit
  SetShellVarContext all
  StrCpy $DataDir "$APPDATA\TramHoc"
FunctionEnd

Section "-Program"
  ; An upgrade replaces the program folders whole, so no file of an older version lingers; data is elsewhere.
  RMDir /r "$INSTDIR\python"
  RMDir /r "$INSTDIR\lib"
  RMDir /r "$INSTDIR\bin"
  !include "${STAGE}.files.nsh"
  WriteUninstaller "$INSTDIR\uninstall.exe"

  ; Learners' data for the whole PC: every local account (the Users group) may change it.
  CreateDirectory "$DataDir"
  nsExec::ExecToLog '"$SYSDIR\icacls.exe" "$DataDir" /grant *S-1-5-32-545:(OI)(CI)M /T /Q'
  Pop $0
  DetailPrint "icacls: $0"

  ; Compiled modules, once, here: a learner's account cannot write under Program Files.
  nsExec::ExecToLog '"$INSTDIR\python\python.exe" -m compileall -q "$INSTDIR\lib"'
  Pop $0
  DetailPrint "compileall: $0"

  CreateShortCut "$SMPROGRAMS\${APP}.lnk" "$INSTDIR\TramHoc.exe" "" "$INSTDIR\tramhoc.ico"
  CreateShortCut "$DESKTOP\${APP}.lnk" "$INSTDIR\TramHoc.exe" "" "$INSTDIR\tramhoc.ico"
  CreateShortCut "$SMPROGRAMS\$(Builder).lnk" "$SYSDIR\cmd.exe" '/k "$INSTDIR\soan-bai.cmd"' "$INSTDIR\tramhoc.ico"

  WriteRegStr HKLM "Software\Classes\.tramhoc" "" "TramHoc.Course"
  WriteRegStr HKLM "Software\Classes\TramHoc.Course" "" "$(CourseFile)"
  WriteRegStr HKLM "Software\Classes\TramHoc.Course\DefaultIcon" "" "$INSTDIR\tramhoc.ico"
  WriteRegStr HKLM "Software\Classes\TramHoc.Course\shell\open\command" "" '"$INSTDIR\TramHoc.exe" open "%1"'
  System::Call 'shell32::SHChangeNotify(i 0x08000000, i 0, p 0, p 0)'  ; Explorer: associations changed

  WriteRegStr HKLM "${KEY}" "DisplayName" "${APP}"
  WriteRegStr HKLM "${KEY}" "DisplayVersion" "${VERSION}"
  WriteRegStr HKLM "${KEY}" "DisplayIcon" "$INSTDIR\tramhoc.ico"
  WriteRegStr HKLM "${KEY}" "Publisher" "Trạm Học"
  WriteRegStr HKLM "${KEY}" "InstallLocation" "$INSTDIR"
  WriteRegStr HKLM "${KEY}" "UninstallString" '"$INSTDIR\uninstall.exe"'
  WriteRegStr HKLM "${KEY}" "QuietUninstallString" '"$INSTDIR\uninstall.exe" /S'
  WriteRegDWORD HKLM "${KEY}" "NoModify" 1
  WriteRegDWORD HKLM "${KEY}" "NoRepair" 1

  Call CheckWindowEngine
SectionEnd

Function CheckWindowEngine
  ReadRegDWORD $0 HKLM "${DOTNET}" "Release"
  ${If} $0 < ${DOTNET_472}
    MessageBox MB_OK|MB_ICONINFORMATION "$(NoDotNet)" /SD IDOK
    Return
  ${EndIf}
  ReadRegStr $0 HKLM "${WEBVIEW2}" "pv"
  ${If} $0 == ""
    ReadRegStr $0 HKCU "SOFTWARE\Microsoft\EdgeUpdate\Clients\{F3017226-FE2A-4295-8BDF-00C3A9A7E4C5}" "pv"
  ${EndIf}
  ${If} $0 == ""
  ${OrIf} $0 == "0.0.0.0"
    MessageBox MB_OK|MB_ICONINFORMATION "$(NoWebView2)" /SD IDOK
  ${EndIf}
FunctionEnd

Section "un.$(ProgramSection)" UninstallProgram
  SectionIn RO
  Delete "$SMPROGRAMS\${APP}.lnk"
  Delete "$DESKTOP\${APP}.lnk"
  Delete "$SMPROGRAMS\$(Builder).lnk"
  DeleteRegKey HKLM "Software\Classes\.tramhoc"
  DeleteRegKey HKLM "Software\Classes\TramHoc.Course"
  DeleteRegKey HKLM "${KEY}"
  RMDir /r "$INSTDIR"
SectionEnd

Section /o "un.$(DataSection)" UninstallData
  RMDir /r "$DataDir"
SectionEnd
