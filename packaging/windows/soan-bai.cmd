@echo off
rem The trainers' console ("Trạm Học – soạn bài"): tramhoc-build and tramhoc-player work in it.
chcp 65001 >nul
set "PATH=%~dp0bin;%PATH%"
title Trạm Học – soạn bài
cd /d "%USERPROFILE%"
echo Trạm Học – soạn bài. Các lệnh:
echo   tramhoc-build check THƯ_MỤC_KHOÁ_HỌC            kiểm tra, không ghi gì
echo   tramhoc-build build THƯ_MỤC_KHOÁ_HỌC -o dist    đóng gói thành tệp .tramhoc
echo   tramhoc-build watch THƯ_MỤC_KHOÁ_HỌC -o dist    đóng gói lại sau mỗi lần lưu (Ctrl+C để dừng)
echo   tramhoc-build --help                             mọi lệnh khác
echo.
