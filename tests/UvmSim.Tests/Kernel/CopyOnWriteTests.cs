using UvmSim.Checking;
using UvmSim.Map;
using static UvmSim.Tests.Kernel.KernelTestHelpers;

namespace UvmSim.Tests.Kernel;

public class CopyOnWriteTests
{
    [Fact]
    public void A_child_write_after_fork_gives_the_child_its_own_frame_and_leaves_the_parent_page_alone()
    {
        var k = NewKernel();
        var parent = k.CreateProcess(0, 0)!;
        ulong a = MapAnon(k, parent, 2);
        Assert.True(k.Touch(parent, a, 2 * P, write: true).Ok);
        int parentFrame = FrameAt(k, parent, a);
        int parentFrame2 = FrameAt(k, parent, a + P);
        Assert.True(parentFrame >= 0);

        Assert.True(k.Fork(parent, out var child).Ok);
        Assert.NotNull(child);
        // Before any write, both see the same frame (copy-on-write sharing).
        Assert.True(k.Touch(child, a, 1, write: false).Ok);
        Assert.Equal(parentFrame, FrameAt(k, child, a));

        Assert.True(k.Touch(child, a, 1, write: true).Ok);
        int childFrame = FrameAt(k, child, a);
        Assert.True(childFrame >= 0);
        Assert.NotEqual(parentFrame, childFrame);
        Assert.Equal(parentFrame, FrameAt(k, parent, a));
        // The page the child did not write is still shared.
        Assert.True(k.Touch(child, a + P, 1, write: false).Ok);
        Assert.Equal(parentFrame2, FrameAt(k, child, a + P));
        Assert.Equal(parentFrame2, FrameAt(k, parent, a + P));
        Assert.Empty(Auditor.Audit(k));
    }

    [Fact]
    public void A_parent_write_after_fork_gives_the_parent_a_new_frame_and_the_child_keeps_the_old_one()
    {
        var k = NewKernel();
        var parent = k.CreateProcess(0, 0)!;
        ulong a = MapAnon(k, parent, 1);
        Assert.True(k.Touch(parent, a, 1, write: true).Ok);
        int before = FrameAt(k, parent, a);
        Assert.True(k.Fork(parent, out var child).Ok);
        Assert.True(k.Touch(parent, a, 1, write: true).Ok);
        Assert.NotEqual(before, FrameAt(k, parent, a));
        Assert.True(k.Touch(child!, a, 1, write: false).Ok);
        Assert.Equal(before, FrameAt(k, child!, a));
        Assert.Empty(Auditor.Audit(k));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void With_share_inheritance_parent_and_child_see_the_same_frame_after_a_write(bool childWrites)
    {
        var k = NewKernel();
        var parent = k.CreateProcess(0, 0)!;
        ulong a = MapAnon(k, parent, 2);
        Assert.True(k.Touch(parent, a, 1, write: true).Ok);
        Assert.True(k.Minherit(parent, a, 2 * P, Inheritance.Share).Ok);
        Assert.True(k.Fork(parent, out var child).Ok);
        var writer = childWrites ? child! : parent;
        var reader = childWrites ? parent : child!;

        Assert.True(k.Touch(writer, a, 2 * P, write: true).Ok);
        Assert.True(k.Touch(reader, a, 2 * P, write: false).Ok);
        for (ulong va = a; va < a + 2 * P; va += P)
        {
            int f = FrameAt(k, writer, va);
            Assert.True(f >= 0);
            Assert.Equal(f, FrameAt(k, reader, va));
        }
        Assert.Equal(Inheritance.Share, child!.Space.Map.Lookup(a)!.Inheritance);
        Assert.Empty(Auditor.Audit(k));
    }

    [Fact]
    public void With_none_inheritance_the_child_has_no_mapping()
    {
        var k = NewKernel();
        var parent = k.CreateProcess(0, 0)!;
        ulong a = MapAnon(k, parent, 1);
        Assert.True(k.Minherit(parent, a, P, Inheritance.None).Ok);
        Assert.True(k.Fork(parent, out var child).Ok);
        Assert.Null(child!.Space.Map.Lookup(a));
        Assert.NotNull(parent.Space.Map.Lookup(a));
    }
}
