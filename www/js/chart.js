// The live loss chart, drawn with uPlot: per-batch training loss, the
// per-epoch mean training loss and test MSE, and a dashed line where the
// learning rate was lowered.

import uPlot from '../vendor/uPlot.esm.js';

export class LossChart {
  constructor(container) {
    this.container = container;
    this.reset();
  }

  reset() {
    this.x = [];
    this.batchLoss = [];
    this.epochLoss = [];
    this.testMse = [];
    this.drops = [];
    this.plot?.destroy();
    const drops = this.drops;
    const width = Math.max(280, Math.min(this.container.clientWidth || 640, 900));
    this.plot = new uPlot({
      width,
      height: 280,
      scales: { x: { time: false }, y: { distr: 3 } },
      axes: [{ label: 'epoch' }, { label: 'MSE', size: 60 }],
      series: [
        { label: 'epoch' },
        { label: 'batch loss', stroke: '#9db8e0', width: 1, points: { show: false } },
        { label: 'epoch train loss', stroke: '#1f4fb4', width: 2, spanGaps: true, points: { show: true, size: 5 } },
        { label: 'test MSE', stroke: '#c0392b', width: 2, spanGaps: true, points: { show: true, size: 5 } },
      ],
      hooks: {
        draw: [(plot) => {
          const context = plot.ctx;
          context.save();
          context.setLineDash([6, 4]);
          context.strokeStyle = 'rgba(0, 0, 0, 0.5)';
          for (const epoch of drops) {
            const x = plot.valToPos(epoch, 'x', true);
            context.beginPath();
            context.moveTo(x, plot.bbox.top);
            context.lineTo(x, plot.bbox.top + plot.bbox.height);
            context.stroke();
          }
          context.restore();
        }],
      },
    }, [[], [], [], []], this.container);
    this.container.setAttribute('aria-label', 'Loss chart: no training yet');
  }

  /** Adds one training step (as reported by the worker). */
  add(step) {
    this.x.push(step.epoch - 1 + step.batch / step.batchesPerEpoch);
    this.batchLoss.push(step.loss);
    const epochEnd = step.epochTrainLoss !== undefined && step.epochTrainLoss !== null;
    this.epochLoss.push(epochEnd ? step.epochTrainLoss : null);
    this.testMse.push(epochEnd && step.testMse !== undefined ? step.testMse : null);
    if (step.learningRateReduced) this.drops.push(step.epoch);
    this.plot.setData([this.x, this.batchLoss, this.epochLoss, this.testMse]);

    const lastTest = this.testMse.filter((value) => value !== null).at(-1);
    this.container.setAttribute('aria-label',
      `Loss chart: ${this.x.length} batches, latest batch loss ${step.loss.toFixed(4)}`
      + (lastTest !== undefined ? `, latest test MSE ${lastTest.toFixed(4)}` : '')
      + (this.drops.length ? `, learning rate lowered after epoch ${this.drops.join(', ')}` : ''));
  }
}
