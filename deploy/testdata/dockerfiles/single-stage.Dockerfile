FROM golang:1.26
WORKDIR /src
COPY . .
RUN CGO_ENABLED=0 go build -trimpath -ldflags "-X main.version=dev" -o /oktadetect ./cmd/oktadetect
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/oktadetect"]
CMD ["run"]
