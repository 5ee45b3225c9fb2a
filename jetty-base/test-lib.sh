# shellcheck shell=bash
# Helpers the jetty-base test scripts share (sourced; not run on its own).

# port_free PORT: nothing accepts connections on 127.0.0.1:PORT
port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# free_port FIRST: prints the first free port from FIRST on
free_port() { local p; for ((p = $1; ; p++)); do port_free "$p" && { printf '%s' "$p"; return; }; done; }
