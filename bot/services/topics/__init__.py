"""Point-topic requests (点题) and the feedback wall (回音壁)."""
