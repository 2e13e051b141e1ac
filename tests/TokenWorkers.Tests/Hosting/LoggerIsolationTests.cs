using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serilog.Core;
using Serilog.Events;
using TokenWorkers.Hosting;

namespace TokenWorkers.Tests.Hosting;

/// <summary>
/// Each worker host logs through its own logger. The tests run many hosts in one process, and their "no secret in any log"
/// checks are only worth something if a host's log reaches that host's sinks and no other's.
/// </summary>
public sealed class LoggerIsolationTests
{
    [Fact]
    public async Task Two_hosts_in_one_process_each_log_to_their_own_sinks_and_stopping_one_leaves_the_other_logging()
    {
        var firstSink = new Captured();
        var secondSink = new Captured();
        var first = Build(firstSink);
        await using var second = Build(secondSink);

        try
        {
            LoggerOf(first).LogWarning("from the first host");
            LoggerOf(second).LogWarning("from the second host");
            Assert.Equal(["from the first host"], firstSink.Messages);
            Assert.Equal(["from the second host"], secondSink.Messages);
        }
        finally
        {
            await first.DisposeAsync();
        }

        LoggerOf(second).LogWarning("after the first host stopped");
        Assert.Equal(["from the second host", "after the first host stopped"], secondSink.Messages);
    }

    private static ILogger LoggerOf(WebApplication app) => app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Isolation");

    private static WebApplication Build(Captured sink)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["LinkedIn:ClientId"] = "tw-isolation",
            ["LinkedIn:ClientSecret"] = "tw-isolation-secret",
            ["Storage:DataDirectory"] = Path.Combine(Path.GetTempPath(), "tokenworkers-isolation-" + Guid.NewGuid().ToString("N")),
            ["Encryption:ActiveKeyId"] = "isolation-1",
            ["Encryption:Keys:isolation-1"] = Convert.ToBase64String(new byte[32]),
            // The console stays quiet: only the test's sink is read.
            ["Serilog:MinimumLevel:Default"] = "Warning",
        });
        builder.AddTokenWorkers();
        builder.Services.AddSingleton<ILogEventSink>(sink);
        return builder.Build();
    }

    private sealed class Captured : ILogEventSink
    {
        private readonly ConcurrentQueue<string> _messages = new();

        public IReadOnlyList<string> Messages => [.. _messages.Where(m => m.Contains("host", StringComparison.Ordinal))];

        public void Emit(LogEvent logEvent) => _messages.Enqueue(logEvent.RenderMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}
