"""The albums of the library."""
