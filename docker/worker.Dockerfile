# The TokenWorkers worker. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t tokenworkers/worker .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/TokenWorkers.Contracts/TokenWorkers.Contracts.csproj src/TokenWorkers.Contracts/
COPY src/TokenWorkers/TokenWorkers.csproj src/TokenWorkers/
RUN dotnet restore src/TokenWorkers/TokenWorkers.csproj
COPY src/TokenWorkers.Contracts/ src/TokenWorkers.Contracts/
COPY src/TokenWorkers/ src/TokenWorkers/
RUN dotnet publish src/TokenWorkers/TokenWorkers.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl only serves the container health check.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# The SQLite default writes here; with Storage__Provider=Mongo nothing is written locally.
RUN mkdir -p /data && chown "$APP_UID" /data
ENV ASPNETCORE_ENVIRONMENT=Production \
    Urls=http://0.0.0.0:5070 \
    Storage__DataDirectory=/data
USER $APP_UID
EXPOSE 5070
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD curl -fsS http://127.0.0.1:5070/health/ready || exit 1
ENTRYPOINT ["dotnet", "TokenWorkers.dll"]
