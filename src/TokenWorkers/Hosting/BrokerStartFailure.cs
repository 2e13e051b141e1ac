using MassTransit;

namespace TokenWorkers.Hosting;

/// <summary>
/// Start-up that gave up on RabbitMQ. The host rethrows the bus's connection failure out of <c>RunAsync</c>, which ended the
/// process with an unhandled-exception dump (exit 134) that neither says which setting to check nor lets an orchestrator
/// tell "broker away" from "bug".
/// </summary>
public static class BrokerStartFailure
{
    /// <summary>A dependency the worker needs at start-up did not answer; restarting later may succeed.</summary>
    public const int ExitCode = 3;

    /// <summary>What went wrong, without addresses' passwords (MassTransit names the broker as <c>user@host:port/vhost</c>); null when <paramref name="ex"/> is not a broker connection failure.</summary>
    public static string? Describe(Exception ex) => Find(ex) is { } failure
        ? $"{failure.Message.TrimEnd('.')}: {Innermost(failure).Message.TrimEnd('.')}"
        : null;

    public static string Message(string reason, TimeSpan timeout) =>
        $"TokenWorkers cannot start: RabbitMQ did not accept a connection within {timeout.TotalSeconds:0.#} s ({reason}). " +
        "Check that the broker is running and the Transport:RabbitMq settings (Uri, Host or Hosts, Port, VirtualHost, Username, " +
        "Password or PasswordFile, UseTls); Transport:StartTimeout sets how long start-up waits.";

    private static RabbitMqConnectionException? Find(Exception ex) => ex switch
    {
        RabbitMqConnectionException connection => connection,
        AggregateException aggregate => aggregate.InnerExceptions.Select(Find).FirstOrDefault(found => found is not null),
        { InnerException: { } inner } => Find(inner),
        _ => null,
    };

    private static Exception Innermost(Exception ex) => ex.InnerException is { } inner ? Innermost(inner) : ex;
}
