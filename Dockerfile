# kibana-mcp as a container: streamable HTTP on port 8080, one static binary
# on a distroless base that has no shell, no package manager and no root user.
#
#   docker build -t kibana-mcp .
#   docker run --rm -p 8080:8080 -e KIBANA_URL=https://kibana.example.com \
#     -e KIBANA_API_KEY=... -e KIBANA_MCP_HTTP_TOKEN="$(openssl rand -hex 32)" \
#     kibana-mcp
#
# deploy_test.go runs this file's `go build` line and checks the binary is
# static, so keep the build a single RUN line of that form.

FROM golang:1.26 AS build
WORKDIR /src
# Modules first: this layer is reused until go.mod or go.sum change.
COPY go.mod go.sum ./
RUN go mod download
COPY . .
ARG VERSION=dev
# No cgo, so no libc to ship; -trimpath keeps build paths out of the binary
# and -s -w drops the symbol table and DWARF (about a quarter of its size).
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-s -w -X github.com/kibana-mcp/kibana-mcp/app.Version=${VERSION}" -o /out/kibana-mcp .

# distroless/static has CA certificates (for an https Kibana) and tzdata, and
# its :nonroot tag runs as uid 65532.
FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/kibana-mcp /kibana-mcp
# Numeric, so Kubernetes' runAsNonRoot can verify it (a user name cannot be).
USER 65532:65532
# Stateless by default: a container is usually one of several replicas behind
# a load balancer. A destructive call (delete_cases, run_connector, ...) runs
# only once the user approved it: a client that cannot be asked (without
# sessions, one older than protocol 2026-07-28) gets a tool error saying why
# and nothing reaches Kibana; -e KIBANA_MCP_CONFIRM_DESTRUCTIVE=off is for
# unattended agents. Logs are JSON, one object a line, for the log collector.
ENV KIBANA_MCP_STATELESS=true \
    KIBANA_MCP_CONFIRM_DESTRUCTIVE=require \
    KIBANA_MCP_LOG_FORMAT=json
EXPOSE 8080
# Listening beyond loopback needs KIBANA_MCP_HTTP_TOKEN, at least 32 random
# characters (or client credentials); the server refuses to start open to the
# network otherwise. It serves plain HTTP unless given --tls-cert/--tls-key:
# put a TLS-terminating proxy in front of it, or give it those.
ENTRYPOINT ["/kibana-mcp", "--transport", "http", "--addr", "0.0.0.0:8080"]
