using CopilotBot.ML;

namespace CopilotBot.ML.Tests;

public sealed class TreeShapTests
{
    [Fact]
    public void Explain_ContributionsPlusExpectedValueEqualMargin_WhenRandomModelAndRow()
    {
        PropertyCheck.ForAllSeeds(40, seed =>
        {
            var random = new Random(seed);
            var data = TestData.Synthetic(seed, 300, 1 + random.Next(5), random.Next(4), missingRate: 0.15);
            var options = new GbdtOptions
            {
                MaxDepth = 1 + random.Next(7), MaxLeaves = 2 + random.Next(30), MinSamplesLeaf = 1 + random.Next(15),
                NumRounds = 3 + random.Next(25), EarlyStoppingRounds = 0, RowSubsample = 0.5 + random.NextDouble() / 2, Seed = seed,
            };
            var model = new GradientBoostingTrainer(options).Train(data);

            for (var row = 0; row < data.RowCount; row++)
            {
                var explanation = model.Explain(data, row);

                var reconstructed = explanation.ExpectedValue + explanation.Contributions.Sum(c => c.Contribution);
                Assert.Equal(model.PredictMargin(data, row), explanation.Margin);
                Assert.True(Math.Abs(reconstructed - explanation.Margin) < 1e-9, $"row {row}: {reconstructed} vs {explanation.Margin}");
            }
        });
    }

    [Fact]
    public void TreeShap_MatchesBruteForceShapley_WhenRandomSmallTrees()
    {
        PropertyCheck.ForAllSeeds(200, seed =>
        {
            var random = new Random(seed);
            var featureCount = 1 + random.Next(6);
            var trees = Enumerable.Range(0, 1 + random.Next(3))
                .Select(_ => new RegressionTree(RandomTree(random, featureCount, maxDepth: 1 + random.Next(5))))
                .ToArray();
            var row = Enumerable.Range(0, featureCount).Select(_ => (byte)random.Next(10)).ToArray();

            var phi = new double[featureCount];
            var buffer = new TreeShap.PathElement[TreeShap.PathBufferSize(trees.Max(t => t.Depth))];
            foreach (var tree in trees)
            {
                TreeShap.AddContributions(tree, row, phi, buffer);
            }

            var expected = BruteForceShapley(trees, row, featureCount);
            for (var f = 0; f < featureCount; f++)
            {
                Assert.True(Math.Abs(expected[f] - phi[f]) < 1e-9, $"feature {f}: brute force {expected[f]} vs TreeSHAP {phi[f]}");
            }
        });
    }

    [Fact]
    public void Explain_MatchesBruteForceShapley_WhenTrainedModelWithCategoricalAndMissing()
    {
        var data = TestData.Synthetic(21, 600, 3, 2, missingRate: 0.2);
        var model = new GradientBoostingTrainer(new GbdtOptions { NumRounds = 15, EarlyStoppingRounds = 0, MaxDepth = 5, MaxLeaves = 12, MinSamplesLeaf = 5 }).Train(data);
        var bins = model.Bin(data);

        foreach (var row in new[] { 0, 1, 2, 17, 99, 345 })
        {
            var explanation = model.Explain(data, row);
            var expected = BruteForceShapley([.. model.Trees], bins.Bins.AsSpan(row * 5, 5).ToArray(), 5);

            for (var f = 0; f < 5; f++)
            {
                Assert.Equal(expected[f], explanation.Contributions[f].Contribution, 9);
            }
        }

        Assert.Contains(model.Trees, t => t.Nodes.Any(n => n.CategoryRight is not null));
    }

    /// <summary>
    /// Shapley values by enumerating every feature subset S, with v(S) = E[f(x) | x_S] computed the
    /// tree-path way: known features follow the row's branch, unknown ones average the children by cover.
    /// </summary>
    private static double[] BruteForceShapley(RegressionTree[] trees, byte[] row, int featureCount)
    {
        double Value(int subset)
        {
            var total = 0.0;
            foreach (var tree in trees)
            {
                total += Conditional(tree.Nodes, 0, row, subset);
            }

            return total;
        }

        var factorial = new double[featureCount + 1];
        factorial[0] = 1;
        for (var i = 1; i <= featureCount; i++)
        {
            factorial[i] = factorial[i - 1] * i;
        }

        var phi = new double[featureCount];
        for (var f = 0; f < featureCount; f++)
        {
            for (var subset = 0; subset < 1 << featureCount; subset++)
            {
                if ((subset & (1 << f)) != 0)
                {
                    continue;
                }

                var size = System.Numerics.BitOperations.PopCount((uint)subset);
                var weight = factorial[size] * factorial[featureCount - size - 1] / factorial[featureCount];
                phi[f] += weight * (Value(subset | (1 << f)) - Value(subset));
            }
        }

        return phi;
    }

    private static double Conditional(TreeNode[] nodes, int index, byte[] row, int known)
    {
        var node = nodes[index];
        if (node.IsLeaf)
        {
            return node.Value;
        }

        if ((known & (1 << node.Feature)) != 0)
        {
            return Conditional(nodes, node.GoesRight(row[node.Feature]) ? node.Right : node.Left, row, known);
        }

        var left = nodes[node.Left];
        var right = nodes[node.Right];
        return ((Conditional(nodes, node.Left, row, known) * left.Cover) + (Conditional(nodes, node.Right, row, known) * right.Cover)) / node.Cover;
    }

    /// <summary>Random tree over bins 0–9; odd features split categorically; features may repeat along a path.</summary>
    private static TreeNode[] RandomTree(Random random, int featureCount, int maxDepth)
    {
        var nodes = new List<TreeNode>();

        int Build(int depth)
        {
            var index = nodes.Count;
            nodes.Add(default);
            if (depth == maxDepth || (depth > 0 && random.NextDouble() < 0.25))
            {
                nodes[index] = TreeNode.Leaf(Math.Round((random.NextDouble() * 4) - 2, 3), 1 + random.Next(50));
                return index;
            }

            var feature = random.Next(featureCount);
            ulong[]? mask = null;
            if (feature % 2 == 1)
            {
                mask = [(ulong)random.Next(1, 1023), 0, 0, 0];
            }

            var left = Build(depth + 1);
            var right = Build(depth + 1);
            nodes[index] = new TreeNode(feature, 1 + random.Next(8), random.Next(2) == 1, mask, left, right, 0, nodes[left].Cover + nodes[right].Cover, 1);
            return index;
        }

        Build(0);
        return [.. nodes];
    }
}
