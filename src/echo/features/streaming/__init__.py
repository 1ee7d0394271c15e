"""Stream tokens, audio streaming with Range, downloads, album ZIPs and transcoding."""
