namespace CopilotBot.Workspace.Domain;

/// <summary>Commercial tier of an account, from most to least valuable.</summary>
public enum Tier
{
    Platinum,
    Gold,
    Silver,
    Bronze,
}

/// <summary>Sales region an account belongs to.</summary>
public enum Region
{
    NA,
    EMEA,
    APAC,
    LATAM,
}

/// <summary>What a user may do: see their own book, their team's, approve actions, or administer.</summary>
public enum UserRole
{
    Csm,
    Manager,
    Approver,
    Admin,
}

public enum AccountStatus
{
    Active,
    Churned,
}

public enum PaymentStatus
{
    Paid,
    Late,
    Failed,
    Open,
}

public enum Speaker
{
    Customer,
    Agent,
}

public enum TaskState
{
    Open,
    Done,
}

public enum InterventionStatus
{
    PendingApproval,
    Pending,
    Saved,
    Churned,
    Rejected,
}
