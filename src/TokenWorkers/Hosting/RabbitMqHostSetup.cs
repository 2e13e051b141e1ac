using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using MassTransit;

namespace TokenWorkers.Hosting;

/// <summary>The worker's RabbitMQ host on MassTransit: address, credentials, cluster nodes and TLS, from <see cref="RabbitMqOptions"/>.</summary>
public static class RabbitMqHostSetup
{
    public static void ConfigureHost(this IRabbitMqBusFactoryConfigurator broker, RabbitMqOptions options)
    {
        ArgumentNullException.ThrowIfNull(broker);
        ArgumentNullException.ThrowIfNull(options);
        var address = RabbitMqAddress.From(options);
        broker.Host(address.Host, (ushort)address.Port, address.VirtualHost, host =>
        {
            host.Username(address.Username);
            host.Password(address.Password);
            if (address.ClusterNodes.Count > 0)
            {
                // MassTransit's sequential resolver: each connection attempt takes the next node, so a dead one is skipped on retry.
                host.UseCluster(cluster =>
                {
                    foreach (var node in address.ClusterNodes)
                    {
                        cluster.Node(node);
                    }
                });
            }

            if (address.UseTls)
            {
                host.UseSsl(ssl => ConfigureTls(ssl, options.Tls, address.Host));
            }
        });
    }

    private static void ConfigureTls(IRabbitMqSslConfigurator ssl, RabbitMqTlsOptions tls, string host)
    {
        // One name for every node: RabbitMQ.Client checks each node's certificate against it, so cluster nodes need a
        // certificate that carries it (a shared name or a wildcard).
        ssl.ServerName = string.IsNullOrWhiteSpace(tls.ServerName) ? host : tls.ServerName;
        if (!string.IsNullOrEmpty(tls.ClientCertificatePath))
        {
            ssl.CertificatePath = tls.ClientCertificatePath;
            ssl.CertificatePassphrase = tls.ClientCertificatePassphrase ?? "";
        }

        if (!string.IsNullOrEmpty(tls.CaCertificatePath))
        {
            ssl.CertificateValidationCallback = TrustingOnly(X509CertificateLoader.LoadCertificateFromFile(tls.CaCertificatePath));
        }
    }

    /// <summary>
    /// Accepts the broker's certificate when its name matches and its chain ends at <paramref name="authority"/>: a private
    /// CA is trusted for this connection only, not added to the machine's roots, and nothing else is relaxed.
    /// </summary>
    internal static RemoteCertificateValidationCallback TrustingOnly(X509Certificate2 authority) => (_, certificate, _, errors) =>
    {
        if (certificate is null || (errors & (SslPolicyErrors.RemoteCertificateNameMismatch | SslPolicyErrors.RemoteCertificateNotAvailable)) != 0)
        {
            return false;
        }

        using var chain = new X509Chain();
        chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
        chain.ChainPolicy.CustomTrustStore.Add(authority);
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        using var leaf = new X509Certificate2(certificate);
        return chain.Build(leaf);
    };
}
