using EmbeddedMlp.Training;
using MessagePack;

namespace EmbeddedMlp.Serialization
{
    /// <summary>Writes the <c>training</c> map of a checkpoint: everything a trainer needs to continue bit for bit.</summary>
    internal static class TrainingStateWriter
    {
        public static void Write(ref MessagePackWriter w, Trainer trainer)
        {
            OptimizerSettings s = trainer.OptimizerSettings;
            Optimizer optimizer = trainer.OptimizerState;
            bool sgd = s.Kind == OptimizerKind.Sgd;
            bool momentum = sgd && s.Momentum != 0f;
            w.WriteMapHeader(8 + (sgd ? 3 + (momentum ? 1 : 0) : 5));
            w.Write(ModelFileKeys.Optimizer); w.Write(TrainingStateReader.KindName(s.Kind));
            w.Write(ModelFileKeys.Step); w.Write(optimizer.StepCount);
            w.Write(ModelFileKeys.LearningRate); w.Write(trainer.LearningRate);
            w.Write(ModelFileKeys.InitialLearningRate); w.Write(s.LearningRate);
            w.Write(ModelFileKeys.WeightDecay); w.Write(s.WeightDecay);
            w.Write(ModelFileKeys.ClipNorm); w.Write(trainer.ClipNorm);
            w.Write(ModelFileKeys.MaxBatch); w.Write(trainer.MaxBatch);
            w.Write(ModelFileKeys.Rng);
            trainer.Random.GetState(out uint s0, out uint s1, out uint s2, out uint s3);
            w.WriteArrayHeader(4); w.Write(s0); w.Write(s1); w.Write(s2); w.Write(s3);
            if (sgd)
            {
                w.Write(ModelFileKeys.Momentum); w.Write(s.Momentum);
                w.Write(ModelFileKeys.Dampening); w.Write(s.Dampening);
                w.Write(ModelFileKeys.Nesterov); w.Write(s.Nesterov);
                if (momentum) { w.Write(ModelFileKeys.MomentumBuffer); BlobCodec.Write(ref w, ((SgdOptimizer)optimizer).MomentumBuffer, ModelDtype.F32); }
            }
            else
            {
                var adam = (AdamOptimizer)optimizer;
                w.Write(ModelFileKeys.Beta1); w.Write(s.Beta1);
                w.Write(ModelFileKeys.Beta2); w.Write(s.Beta2);
                w.Write(ModelFileKeys.Epsilon); w.Write(s.Epsilon);
                w.Write(ModelFileKeys.ExpAvg); BlobCodec.Write(ref w, adam.FirstMoment, ModelDtype.F32);
                w.Write(ModelFileKeys.ExpAvgSq); BlobCodec.Write(ref w, adam.SecondMoment, ModelDtype.F32);
            }
        }
    }
}
