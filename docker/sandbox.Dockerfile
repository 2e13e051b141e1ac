# The LinkedIn sandbox. Build from the repository root:
#   docker build -f docker/sandbox.Dockerfile -t tokenworkers/sandbox .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/TokenWorkers.Sandbox/TokenWorkers.Sandbox.csproj src/TokenWorkers.Sandbox/
RUN dotnet restore src/TokenWorkers.Sandbox/TokenWorkers.Sandbox.csproj
COPY src/Shared/ src/Shared/
COPY src/TokenWorkers.Sandbox/ src/TokenWorkers.Sandbox/
RUN dotnet publish src/TokenWorkers.Sandbox/TokenWorkers.Sandbox.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
USER $APP_UID
EXPOSE 5080
# The binary probes itself (`healthcheck`: GET /_sandbox/clock on port 5080, 3 s at most), so the image needs no curl.
HEALTHCHECK --interval=5s --timeout=5s --start-period=10s --retries=5 \
  CMD ["dotnet", "TokenWorkers.Sandbox.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "TokenWorkers.Sandbox.dll", "--urls", "http://0.0.0.0:5080"]
