using Serilog;
using Serilog.Formatting.Compact;
using TokenWorkers.Runtime;

namespace TokenWorkers.Hosting;

public static class LoggingRegistration
{
    private const string TextTemplate =
        "[{Timestamp:HH:mm:ss} {Level:u3}] {SourceContext}: {Message:lj}{NewLine}{Exception}";

    /// <summary>
    /// Serilog to the console: readable text by default, compact JSON with <c>Log:Format=Json</c>.
    /// Levels and overrides come from the <c>Serilog</c> section.
    /// </summary>
    public static IHostApplicationBuilder AddTokenWorkersLogging(this IHostApplicationBuilder builder)
    {
        builder.Services.AddValidatedOptions<LoggingOptions>(LoggingOptions.SectionName);
        var json = string.Equals(builder.Configuration[$"{LoggingOptions.SectionName}:Format"], "json", StringComparison.OrdinalIgnoreCase);
        builder.Services.AddSerilog((services, logger) =>
        {
            logger.ReadFrom.Configuration(builder.Configuration)
                .ReadFrom.Services(services)
                .Enrich.FromLogContext();
            if (json)
            {
                logger.WriteTo.Console(new RenderedCompactJsonFormatter());
            }
            else
            {
                logger.WriteTo.Console(outputTemplate: TextTemplate, formatProvider: System.Globalization.CultureInfo.InvariantCulture);
            }
        });
        return builder;
    }
}
