namespace TokenWorkers.Sandbox.Oauth;

/// <summary>Who stands at the consent screen and what they choose; swapped whole so readers never see half an update.</summary>
internal sealed class ConsentScreen(string? member)
{
    private Choice _choice = new(AuthorizationDecision.Consent, member);

    public Choice Current => Volatile.Read(ref _choice);

    public void Set(AuthorizationDecision decision, string? member) =>
        Volatile.Write(ref _choice, new Choice(decision, member ?? Current.Member));

    internal sealed record Choice(AuthorizationDecision Decision, string? Member);
}
