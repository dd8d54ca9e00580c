"""Who is asking, and what they may do: accounts, sessions, roles, and the policy that
every write path checks on the server."""
