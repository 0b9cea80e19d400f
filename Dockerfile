# syntax=docker/dockerfile:1
#
# itpsync's container image for the GitHub Action (runs.using: docker).
#
# Stage 1 builds a static binary (no cgo, so it runs on scratch). Stage 2 is scratch plus
# the CA certificates the binary needs to reach Okta and GitHub over TLS: nothing else, so
# there is no shell or package manager for an attacker to use, and the image is a few MB.
#
# There is deliberately no USER line: GitHub runs container actions as root and mounts the
# workspace owned by the runner; a non-root user could not read GITHUB_EVENT_PATH or write
# GITHUB_OUTPUT / GITHUB_STEP_SUMMARY. There is no WORKDIR either: the runner sets the
# working directory to the mounted workspace (/github/workspace).

FROM golang:1.26-bookworm AS build
WORKDIR /src
# Modules first, so the layer is cached while only the source changes.
COPY go.mod go.sum ./
RUN go mod download && go mod verify
COPY . .
ARG VERSION=dev
RUN CGO_ENABLED=0 GOOS=linux go build -trimpath \
      -ldflags "-s -w -X github.com/itpsync/itpsync/internal/cli.Version=${VERSION}" \
      -o /out/itpsync . \
 && /out/itpsync version

FROM scratch
COPY --from=build /etc/ssl/certs/ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
COPY --from=build /out/itpsync /itpsync
ENTRYPOINT ["/itpsync"]
