"""The default texts of every event, by family; ``notifications.defaults`` is the one registry that
puts them together."""
