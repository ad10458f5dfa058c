@"%~dp0..\python\python.exe" -m player %*
