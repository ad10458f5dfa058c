"""Reading a course: its contents, its lessons and their images and media, from the installed bundle."""
