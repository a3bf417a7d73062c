"""What a person typed, read once at the entrance and handed to search and the wizard."""
