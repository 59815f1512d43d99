# Everything the checks must reject, in one file.
FROM golang:latest AS build
WORKDIR /src
COPY . .
RUN go mod download
RUN go build -ldflags "-X main.version=dev" \
      -o /out/oktadetect ./cmd/oktadetect

FROM alpine:3.20
RUN apk add --no-cache ca-certificates
COPY --from=build /out/oktadetect /oktadetect
USER nonroot
EXPOSE 8080
ENTRYPOINT /oktadetect run
