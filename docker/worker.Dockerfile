# The TokenWorkers worker. Build from the repository root:
#   docker build -f docker/worker.Dockerfile -t tokenworkers/worker .
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props .editorconfig ./
COPY src/TokenWorkers.Contracts/TokenWorkers.Contracts.csproj src/TokenWorkers.Contracts/
COPY src/TokenWorkers/TokenWorkers.csproj src/TokenWorkers/
RUN dotnet restore src/TokenWorkers/TokenWorkers.csproj
COPY src/Shared/ src/Shared/
COPY src/TokenWorkers.Contracts/ src/TokenWorkers.Contracts/
COPY src/TokenWorkers/ src/TokenWorkers/
RUN dotnet publish src/TokenWorkers/TokenWorkers.csproj -c Release --no-restore -o /app

FROM mcr.microsoft.com/dotnet/aspnet:10.0 AS runtime
WORKDIR /app
COPY --from=build /app ./
# The SQLite default writes here; with Storage__Provider=Mongo nothing is written locally.
RUN mkdir -p /data && chown "$APP_UID" /data
ENV ASPNETCORE_ENVIRONMENT=Production \
    Urls=http://0.0.0.0:5070 \
    Storage__DataDirectory=/data
USER $APP_UID
EXPOSE 5070
# The binary probes itself (`healthcheck`: GET /health/ready on the port in Urls, 3 s at most), so the image needs no curl.
HEALTHCHECK --interval=10s --timeout=5s --start-period=20s --retries=3 \
  CMD ["dotnet", "TokenWorkers.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "TokenWorkers.dll"]
