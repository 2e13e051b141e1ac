using TokenWorkers.Tests.TestSupport;

namespace TokenWorkers.Tests.RabbitMq;

/// <summary>
/// A worker process started while its broker is away, as after a host reboot or a compose stack whose worker is up
/// before RabbitMQ. Waiting is right while the broker may still come; past <c>Transport:StartTimeout</c> the worker
/// must stop in a way an operator can read and an orchestrator can act on: one line naming the settings, exit code 3,
/// no stack dump, no password.
/// </summary>
public sealed class BrokerAwayAtStartTests
{
    private const string BrokerPassword = "broker-password-that-must-not-show";

    private static CancellationToken Cancel => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_broker_that_never_answers_stops_start_up_with_one_line_naming_the_settings_and_exit_code_3()
    {
        var (exitCode, output) = await WorkerProcess.RunToExitAsync(Settings(port: FreePorts.Next(), BrokerPassword), TimeSpan.FromSeconds(90), Cancel);

        Assert.True(exitCode == 3, $"exit code {exitCode}:\n{output}");
        Assert.Contains("TokenWorkers cannot start: RabbitMQ did not accept a connection within 4 s", output, StringComparison.Ordinal);
        Assert.Contains("Transport:RabbitMq settings", output, StringComparison.Ordinal);
        Assert.Contains("Connection refused", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain(BrokerPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_that_refuses_the_credentials_stops_start_up_the_same_way_without_showing_the_password()
    {
        var broker = await RabbitMqBroker.RequireAsync();

        var (exitCode, output) = await WorkerProcess.RunToExitAsync(
            Settings(broker.Port, BrokerPassword, broker.Host), TimeSpan.FromSeconds(90), Cancel);

        Assert.True(exitCode == 3, $"exit code {exitCode}:\n{output}");
        Assert.Contains("TokenWorkers cannot start: RabbitMQ did not accept a connection", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain(BrokerPassword, output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_broker_that_comes_back_within_the_start_timeout_is_waited_for_and_the_worker_starts()
    {
        await using var broker = await RabbitMqBroker.StartDedicatedAsync();
        var outage = broker.RestartAsync(TimeSpan.FromSeconds(10));
        // stop_app has closed the port well before this; the worker starts into the outage.
        await Task.Delay(TimeSpan.FromSeconds(3), Cancel);

        var settings = Settings(broker.Port, broker.Password, broker.Host, startTimeout: "00:01:00");
        settings["Transport:RabbitMq:Username"] = broker.Username;
        await using var worker = await WorkerProcess.StartAsync(settings, Cancel);
        await outage;

        Assert.False(worker.HasExited);
    }

    [Fact]
    public async Task A_bad_setting_read_while_the_bus_is_built_stops_the_worker_process_with_the_list_of_settings_and_exit_code_2()
    {
        // The consumer definitions read Publishing's options when the endpoints are mapped: that once came before validation and
        // ended in an unhandled exception (exit 134, a stack dump).
        var settings = Settings(port: FreePorts.Next(), BrokerPassword);
        settings["Publishing:ClaimDuration"] = "00:00:08";

        var (exitCode, output) = await WorkerProcess.RunToExitAsync(settings, TimeSpan.FromSeconds(90), Cancel);

        Assert.True(exitCode == 2, $"exit code {exitCode}:\n{output}");
        Assert.Contains("TokenWorkers cannot start: invalid configuration.", output, StringComparison.Ordinal);
        Assert.Contains("  - Publishing:ClaimDuration: The field ClaimDuration must be between 00:00:10 and 00:30:00.", output, StringComparison.Ordinal);
        Assert.DoesNotContain("Unhandled exception", output, StringComparison.Ordinal);
        Assert.DoesNotContain(BrokerPassword, output, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Settings(int port, string password, string host = "127.0.0.1", string startTimeout = "00:00:04") => new()
    {
        ["Transport:Kind"] = "RabbitMq",
        ["Transport:RabbitMq:Host"] = host,
        ["Transport:RabbitMq:Port"] = port.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ["Transport:RabbitMq:Username"] = "tokenworkers-start-test",
        ["Transport:RabbitMq:Password"] = password,
        ["Transport:StartTimeout"] = startTimeout,
        ["LinkedIn:ClientId"] = "tw-broker-away",
        ["LinkedIn:ClientSecret"] = "tw-broker-away-secret",
        ["Storage:DataDirectory"] = Directory.CreateTempSubdirectory("tokenworkers-broker-away-").FullName,
        ["Encryption:ActiveKeyId"] = "away-1",
        ["Encryption:Keys:away-1"] = Convert.ToBase64String(new byte[32]),
        ["Refresh:ScanInterval"] = "01:00:00",
    };
}
