using System.Security.Cryptography;

namespace TokenWorkers.Runtime;

/// <summary>Names this worker process in leases, so an operator can tell which instance holds a connection.</summary>
public sealed class WorkerIdentity
{
    public string InstanceId { get; } =
        $"{Environment.MachineName}:{Environment.ProcessId}:{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(3))}";

    /// <summary>A holder id for one attempt: a redelivered message never mistakes an old attempt's lease for its own.</summary>
    public string NewLeaseHolder() => $"{InstanceId}/{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}";
}
