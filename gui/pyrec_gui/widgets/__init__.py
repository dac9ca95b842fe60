"""Reusable widgets: card delegate and views, keyframe strip, chips."""
