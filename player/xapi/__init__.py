"""The xAPI 1.0.3 profile of Trạm Học: its vocabulary, the one builder of statements, and validation."""
