@"%~dp0..\python\python.exe" -m builder %*
