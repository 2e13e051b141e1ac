using System.Security.Cryptography;
using System.Text;

namespace TokenWorkers.Events;

/// <summary>
/// Event ids derived from (connection, version, kind), so the same decision always yields the same id
/// and subscribers can drop the duplicates that at-least-once delivery brings.
/// </summary>
public static class EventIds
{
    public static Guid For(string connectionId, long version, string kind)
    {
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes($"{connectionId}\n{version}\n{kind}"));
        var bytes = hash.AsSpan(0, 16).ToArray();
        // Mark it as a name-based (version 5 style) RFC 4122 UUID so nobody mistakes it for a random one.
        bytes[6] = (byte)((bytes[6] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes, bigEndian: true);
    }
}
