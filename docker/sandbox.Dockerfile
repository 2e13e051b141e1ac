# The LinkedIn sandbox. Build from the repository root:
#   docker build -f docker/sandbox.Dockerfile -t tokenworkers/sandbox .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/TokenWorkers.Sandbox/TokenWorkers.Sandbox.csproj src/TokenWorkers.Sandbox/
RUN dotnet restore src/TokenWorkers.Sandbox/TokenWorkers.Sandbox.csproj
COPY src/TokenWorkers.Sandbox/ src/TokenWorkers.Sandbox/
RUN dotnet publish src/TokenWorkers.Sandbox/TokenWorkers.Sandbox.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
# curl only serves the container health check.
RUN apt-get update && apt-get install -y --no-install-recommends curl && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID
EXPOSE 5080
HEALTHCHECK --interval=5s --timeout=3s --start-period=10s --retries=5 \
  CMD curl -fsS http://127.0.0.1:5080/_sandbox/clock || exit 1
ENTRYPOINT ["dotnet", "TokenWorkers.Sandbox.dll", "--urls", "http://0.0.0.0:5080"]
