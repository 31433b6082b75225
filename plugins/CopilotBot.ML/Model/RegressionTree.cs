namespace CopilotBot.ML;

/// <summary>A trained tree in node-list form (root = node 0). Used for explanations, serialization and compiling the fast scorer.</summary>
internal sealed class RegressionTree
{
    public RegressionTree(TreeNode[] nodes)
    {
        if (nodes.Length == 0)
        {
            throw new ArgumentException("A tree needs at least one node.", nameof(nodes));
        }

        Nodes = nodes;
        Depth = ComputeDepth(0);
    }

    public TreeNode[] Nodes { get; }

    /// <summary>Edges on the longest root-to-leaf path (0 for a single leaf).</summary>
    public int Depth { get; }

    public int LeafFor(ReadOnlySpan<byte> row)
    {
        var node = 0;
        while (!Nodes[node].IsLeaf)
        {
            ref readonly var n = ref Nodes[node];
            node = n.GoesRight(row[n.Feature]) ? n.Right : n.Left;
        }

        return node;
    }

    public double Predict(ReadOnlySpan<byte> row) => Nodes[LeafFor(row)].Value;

    /// <summary>Cover-weighted mean leaf value: the tree's output when no feature is known.</summary>
    public double ExpectedValue()
    {
        var root = Nodes[0].Cover;
        var sum = 0.0;
        foreach (var node in Nodes)
        {
            if (node.IsLeaf)
            {
                sum += node.Value * node.Cover;
            }
        }

        return root > 0 ? sum / root : 0;
    }

    private int ComputeDepth(int node)
    {
        // Iterative to stay safe on degenerate (chain-like) trees loaded from JSON.
        var depth = 0;
        var stack = new Stack<(int Node, int Depth)>();
        stack.Push((node, 0));
        var visited = 0;
        while (stack.Count > 0)
        {
            var (current, d) = stack.Pop();
            if (++visited > Nodes.Length)
            {
                throw new InvalidDataException("Tree nodes form a cycle or share children.");
            }

            depth = Math.Max(depth, d);
            if (!Nodes[current].IsLeaf)
            {
                stack.Push((Nodes[current].Left, d + 1));
                stack.Push((Nodes[current].Right, d + 1));
            }
        }

        return depth;
    }
}
