# Build: a release binary with the Swift runtime linked in statically.
FROM swift:6.3-bookworm AS build
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4-openssl-dev libsqlite3-dev pkg-config \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Benchmarks ./Benchmarks
RUN swift build -c release --product gateway --static-swift-stdlib \
    && install -D "$(swift build -c release --show-bin-path)/gateway" /out/gateway

# Run: slim Debian with libcurl and CA certificates, as a non-root user.
FROM debian:bookworm-slim
RUN apt-get update \
    && apt-get install -y --no-install-recommends libcurl4 libsqlite3-0 ca-certificates libstdc++6 \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --uid 10001 --home-dir /var/lib/gateway --shell /usr/sbin/nologin gateway \
    && install -d -o gateway -g gateway -m 0750 /var/lib/gateway \
    && install -d -m 0755 /etc/gateway
COPY --from=build /out/gateway /usr/local/bin/gateway
COPY docker/gateway.conf /etc/gateway/gateway.conf
ENV GATEWAY_CONFIG=/etc/gateway/gateway.conf
USER gateway
WORKDIR /var/lib/gateway
VOLUME ["/var/lib/gateway"]
EXPOSE 8080
HEALTHCHECK --interval=10s --timeout=3s --start-period=10s --retries=3 CMD ["gateway", "healthcheck"]
ENTRYPOINT ["gateway"]
CMD ["serve"]
