// useChart owns one ECharts instance on an element: created on mount,
// resized with its box, disposed on unmount. ECharts is imported piece by
// piece from echarts/core (only the charts and components the map pages
// draw), and only here, so no other route pays for it.
import { onBeforeUnmount, onMounted, shallowRef, watch, type Ref } from 'vue'
import { graphic, init, use, type ECharts, type EChartsCoreOption } from 'echarts/core'
import { BarChart, CustomChart, ScatterChart } from 'echarts/charts'
import { DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent } from 'echarts/components'
import { CanvasRenderer } from 'echarts/renderers'

use([BarChart, CustomChart, ScatterChart, DataZoomComponent, GridComponent, LegendComponent, MarkLineComponent, TooltipComponent, CanvasRenderer])

/** clipRect clips a custom series' rectangle to the grid (null when outside). */
export const clipRect = graphic.clipRectByRect

/** FONT is the app's CJK-first font stack (styles/index.scss), for the canvas text. */
export const FONT = "'PingFang SC', 'Hiragino Sans GB', 'Microsoft YaHei', 'Noto Sans CJK SC', 'Source Han Sans SC', 'Helvetica Neue', Arial, sans-serif"

export function useChart(el: Ref<HTMLElement | null | undefined>, option: () => EChartsCoreOption | null) {
  const chart = shallowRef<ECharts | null>(null)
  let ro: ResizeObserver | null = null

  function render() {
    const opt = option()
    if (!chart.value || !opt) return
    chart.value.setOption(opt, { notMerge: true, lazyUpdate: true })
  }

  function mount() {
    if (!el.value || chart.value) return
    chart.value = init(el.value, undefined, { renderer: 'canvas' })
    ro = new ResizeObserver(() => chart.value?.resize())
    ro.observe(el.value)
    render()
  }

  onMounted(mount)
  // The element may appear later (v-if on data): mount then.
  watch(el, (v) => {
    if (v && !chart.value) mount()
    else if (!v && chart.value) {
      ro?.disconnect()
      chart.value.dispose()
      chart.value = null
    }
  })
  watch(option, render)
  onBeforeUnmount(() => {
    ro?.disconnect()
    chart.value?.dispose()
    chart.value = null
  })
  return { chart, render }
}
