using TokenWorkers.Admin;
using TokenWorkers.Telemetry;

namespace TokenWorkers.Tests.Admin;

public sealed class AdminOptionsValidatorTests
{
    private static readonly AdminOptionsValidator Validator = new();

    [Fact]
    public void A_disabled_admin_api_needs_no_key()
    {
        Assert.True(Validator.Validate(null, new AdminOptions()).Succeeded);
    }

    [Fact]
    public void Enabled_without_a_key_or_with_both_sources_names_the_settings()
    {
        var none = Validator.Validate(null, new AdminOptions { Enabled = true }).Failures!;
        var both = Validator.Validate(null, new AdminOptions { Enabled = true, ApiKey = new string('k', 30), ApiKeyFile = "/tmp/key" }).Failures!;

        Assert.Contains(none, f => f.StartsWith("Admin:ApiKey, Admin:ApiKeyFile, Admin:Keys or Admin:KeysFile is required", StringComparison.Ordinal));
        Assert.Contains(both, f => f.StartsWith("Admin:ApiKey or Admin:ApiKeyFile: set one, not both", StringComparison.Ordinal));
    }

    [Fact]
    public void A_short_key_is_refused_without_showing_it()
    {
        var failure = Assert.Single(Validator.Validate(null, new AdminOptions { Enabled = true, ApiKey = "SENTINEL-short" }).Failures!);

        Assert.Equal("Admin:ApiKey must hold at least 24 characters.", failure);
    }

    [Fact]
    public void A_key_file_is_read_and_trimmed_and_a_missing_one_is_named_without_content()
    {
        var file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, "  file-key-SENTINEL-0123456789abcdef\n");
            var fromFile = Validator.Validate(null, new AdminOptions { Enabled = true, ApiKeyFile = file });
            var missing = Validator.Validate(null, new AdminOptions { Enabled = true, ApiKeyFile = file + ".missing" }).Failures!;

            Assert.True(fromFile.Succeeded);
            var admin = AdminKeySet.Build(new AdminOptions { Enabled = true, ApiKeyFile = file }).Set!.Find("file-key-SENTINEL-0123456789abcdef");
            Assert.Equal("admin", admin?.Name);
            var failure = Assert.Single(missing);
            Assert.StartsWith($"Admin:ApiKeyFile '{file}.missing' cannot be read", failure, StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Telemetry_settings_name_a_bad_endpoint_and_bad_intervals()
    {
        var failures = new TelemetryOptionsValidator().Validate(null, new TelemetryOptions
        {
            Exporter = TelemetryExporter.Otlp,
            OtlpEndpoint = new Uri("collector/path", UriKind.Relative),
            ExportInterval = TimeSpan.Zero,
            FleetSummaryInterval = TimeSpan.FromHours(2),
        }).Failures!;

        Assert.Contains(failures, f => f.StartsWith("Telemetry:OtlpEndpoint", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:ExportInterval", StringComparison.Ordinal));
        Assert.Contains(failures, f => f.StartsWith("Telemetry:FleetSummaryInterval", StringComparison.Ordinal));
        // The endpoint may come from OTEL_EXPORTER_OTLP_ENDPOINT instead, and the interval from OTEL_METRIC_EXPORT_INTERVAL.
        Assert.True(new TelemetryOptionsValidator().Validate(null, new TelemetryOptions { Exporter = TelemetryExporter.Otlp }).Succeeded);
        Assert.True(new TelemetryOptionsValidator().Validate(null, new TelemetryOptions
        {
            Exporter = TelemetryExporter.Otlp,
            OtlpEndpoint = new Uri("http://collector:4317"),
        }).Succeeded);
    }
}
