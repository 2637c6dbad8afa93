# Build: the server (release) and the SPA (wasm32), then a slim runtime image.
FROM rust:1-bookworm AS build
WORKDIR /src
COPY . .
RUN bash scripts/build-spa.sh && cargo build --locked --release -p sesame-server

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /src/target/release/sesame /usr/local/bin/sesame
COPY --from=build /src/frontend/dist /app/frontend/dist
ENV SESAME_SPA_DIR=/app/frontend/dist
EXPOSE 8080
ENTRYPOINT ["sesame"]
CMD ["serve"]
