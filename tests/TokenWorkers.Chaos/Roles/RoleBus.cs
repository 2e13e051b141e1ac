using MassTransit;
using Microsoft.Extensions.DependencyInjection;

namespace TokenWorkers.Chaos.Roles;

/// <summary>
/// Where a role process finds the broker: environment variables the harness sets (never arguments, which any process
/// listing shows). Each role is another service of the estate, with its own bus and connection.
/// </summary>
internal static class RoleBus
{
    public const string Host = "CHAOS_RABBITMQ_HOST";
    public const string Port = "CHAOS_RABBITMQ_PORT";
    public const string VirtualHost = "CHAOS_RABBITMQ_VHOST";
    public const string Username = "CHAOS_RABBITMQ_USER";
    public const string Password = "CHAOS_RABBITMQ_PASSWORD";

    public static ServiceProvider Build(Action<IServiceCollection> services, Action<IBusRegistrationConfigurator> configure)
    {
        var collection = new ServiceCollection().AddLogging();
        services(collection);
        collection.AddMassTransit(bus =>
        {
            configure(bus);
            bus.UsingRabbitMq((context, rabbit) =>
            {
                rabbit.Host(Required(Host), ushort.Parse(Required(Port), System.Globalization.CultureInfo.InvariantCulture), Required(VirtualHost), host =>
                {
                    host.Username(Required(Username));
                    host.Password(Required(Password));
                });
                rabbit.ConfigureEndpoints(context);
            });
        });
        return collection.BuildServiceProvider();
    }

    public static string Required(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } value ? value : throw new InvalidOperationException($"{variable} is not set.");
}
