// The applicant's path: the new-project wizard (flow, form with inline
// validation, questionnaire with the live item list), uploading every
// required material with a progress bar, submitting stage 1, and finding
// the project in the list and on its page.
import { expect, login, test } from './support/fixtures'
import { projectCode } from './support/api'
import { fileFor } from './support/files'

test('applicant creates a project with the wizard, uploads the materials and submits stage 1', async ({ page, server }, testInfo) => {
  await login(page, server, 'qiye')
  const name = `鹭岛智造e2e厂房${testInfo.workerIndex}-${Date.now() % 100000}`
  const code = projectCode(testInfo.workerIndex)

  await expect(page).toHaveURL(/\/projects$/)
  await page.getByRole('button', { name: '新建项目' }).click()
  await expect(page.getByRole('heading', { name: '新建项目' })).toBeVisible()

  // Step 1: the flow.
  await page.getByRole('button', { name: '下一步' }).click()
  await expect(page.getByText('请先选择审批流程')).toBeVisible()
  const flow = page.getByRole('radio', { name: /社会投资小型低风险工业项目/ })
  await flow.click()
  await expect(flow).toHaveAttribute('aria-checked', 'true')
  await page.getByRole('button', { name: '下一步' }).click()

  // Step 2: the form. A bad code first: the inline message says what is wrong.
  const codeInput = page.getByLabel('项目代码')
  await codeInput.fill('2025-35021')
  await codeInput.blur()
  await expect(page.getByText('项目代码应为 24 位（含短横线），当前为 10 位')).toBeVisible()
  await codeInput.fill('2025-350211-47-05-000001')
  await codeInput.blur()
  await expect(page.getByText('第 16–17 位项目类型“05”无效')).toBeVisible()
  await page.getByRole('button', { name: '下一步' }).click()
  await expect(page.getByText('请先修正标注的字段')).toBeVisible()
  await expect(page.getByText('请填写项目名称')).toBeVisible()

  await codeInput.fill(code)
  await codeInput.blur()
  const fieldErrors = page.locator('.el-form-item__error')
  await expect(fieldErrors.filter({ hasText: /项目代码|项目类型/ })).toHaveCount(0)
  // The district comes from the code's division.
  await expect(page.getByText('已按项目代码中的行政区划选择“集美区”')).toBeVisible()
  await page.getByLabel('项目名称').fill(name)
  await page.getByLabel('建设地点').fill('集美区后溪镇岩内路以东')
  const investment = page.getByLabel('总投资（万元）')
  await investment.fill('0')
  await investment.blur()
  await expect(page.getByText('总投资须大于 0 且不超过 1 亿万元')).toBeVisible()
  await investment.fill('3200')
  await investment.blur()
  await expect(fieldErrors.filter({ hasText: '总投资' })).toHaveCount(0)
  await page.getByLabel('用地面积（平方米）').fill('12000')
  await page.getByLabel('建筑面积（平方米）').fill('8600')
  await page.getByRole('button', { name: '添加经办人' }).click()
  await page.getByLabel('姓名').fill('林晓燕')
  const phone = page.getByLabel('手机号码')
  await phone.fill('1380000')
  await phone.blur()
  await expect(page.getByText('手机号码应为 11 位数字，以 1 开头')).toBeVisible()
  await phone.fill('13800000000')
  await phone.blur()
  await expect(fieldErrors.filter({ hasText: '手机号码' })).toHaveCount(0)

  // The live item list is already there beside the form.
  const preview = page.locator('[data-test="preview"]')
  await expect(preview.getByText('需要办理的事项')).toBeVisible()
  await expect(preview.locator('[data-item="XM-FGW-001"]')).toBeVisible()
  await page.getByRole('button', { name: '下一步' }).click()

  // Step 3: the questionnaire. Choosing the registration form brings its item in, live.
  await expect(page.getByText('请如实回答以下与本流程相关的情形')).toBeVisible()
  await expect(preview.locator('[data-item="XM-STHJ-003"]')).toHaveCount(0)
  const env = page.locator('[data-question="env_category"]')
  await env.getByText('填报环境影响登记表').click()
  await expect(env.getByText('影响：建设项目环境影响登记表备案')).toBeVisible()
  await expect(preview.locator('[data-item="XM-STHJ-003"]')).toBeVisible()
  await expect(preview.locator('[data-item="XM-STHJ-003"]')).toContainText('原因：按分类管理名录填报环境影响登记表')
  // Changing the answer takes it out again, and back.
  await env.getByText('编制环境影响报告表').click()
  await expect(preview.locator('[data-item="XM-STHJ-002"]')).toBeVisible()
  await expect(preview.locator('[data-item="XM-STHJ-003"]')).toHaveCount(0)
  await env.getByText('填报环境影响登记表').click()
  await expect(preview.locator('[data-item="XM-STHJ-003"]')).toBeVisible()
  await page.locator('[data-question="in_approval_catalog"]').getByText('否', { exact: true }).click()
  await page.getByRole('button', { name: '下一步' }).click()

  // Step 4: confirm and create.
  await expect(page.getByText('请核对以下信息')).toBeVisible()
  await expect(page.getByText(code)).toBeVisible()
  await page.getByRole('button', { name: '创建项目' }).click()
  await expect(page.getByText('项目已创建，请上传第 1 阶段材料')).toBeVisible()
  await expect(page).toHaveURL(/\/projects\/(?!new$)[^/]+$/)
  const projectURL = page.url()
  await expect(page.getByRole('heading', { name })).toBeVisible()

  // Materials: every required one, each through its own upload button. The
  // first is a larger file on a throttled connection so the progress shows.
  const materials = page.locator('[data-test="materials"]')
  const rows = materials.locator('[data-material]')
  await expect(rows.first()).toBeVisible()
  const codes = await rows.evaluateAll((els) => els.filter((e) => e.classList.contains('missing')).map((e) => e.getAttribute('data-material')!))
  expect(codes.length).toBeGreaterThanOrEqual(2)
  await expect(page.getByRole('button', { name: '提交第 1 阶段申报' })).toBeDisabled()
  await expect(page.getByText(`还缺 ${codes.length} 份必交材料`)).toBeVisible()

  const cdp = await page.context().newCDPSession(page)
  for (const [i, m] of codes.entries()) {
    const row = materials.locator(`[data-material="${m}"]`)
    const accept = (await row.locator(`input[data-file-input="${m}"]`).getAttribute('accept')) ?? ''
    const formats = accept.split(',').map((x) => x.replace(/^\./, ''))
    const file = fileFor(m, formats, i === 0 ? 1_500_000 : 0)
    if (i === 0) await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 20, downloadThroughput: -1, uploadThroughput: 500 * 1024 })
    const chooser = page.waitForEvent('filechooser')
    await row.getByRole('button', { name: '上传' }).click()
    await (await chooser).setFiles(file)
    if (i === 0) {
      await expect(row.getByText(/上传中 \d+%/)).toBeVisible()
      await expect(row.getByRole('progressbar')).toBeVisible()
    }
    await expect(page.getByText(`“${file.name}”已上传（第 1 版）`)).toBeVisible({ timeout: 40_000 })
    await expect(row.getByText(file.name)).toBeVisible()
    await expect(row.getByText('第 1 版')).toBeVisible()
    if (i === 0) await cdp.send('Network.emulateNetworkConditions', { offline: false, latency: 0, downloadThroughput: -1, uploadThroughput: -1 })
  }

  // Submit stage 1.
  await expect(page.getByText('必交材料已齐全，可以提交第 1 阶段申报。')).toBeVisible()
  await page.getByRole('button', { name: '提交第 1 阶段申报' }).click()
  const box = page.getByRole('dialog', { name: '提交申报' })
  await expect(box).toContainText('确认提交第 1 阶段申报？')
  await box.getByRole('button', { name: '确认' }).click()
  await expect(page.getByText('第 1 阶段已提交，共 2 个事项进入审批')).toBeVisible()
  await expect(page.getByText('第 1 阶段审批中。')).toBeVisible()
  const stage1 = page.locator('[data-stage="1"]')
  await expect(stage1).toContainText('企业投资项目备案')
  await expect(stage1).toContainText('建设项目环境影响登记表备案')

  // In the list, and back to the page from there.
  await page.getByRole('link', { name: '返回项目列表' }).click()
  await expect(page).toHaveURL(/\/projects$/)
  const link = page.getByRole('link', { name })
  await expect(link).toBeVisible()
  const row = page.getByRole('row').filter({ has: link })
  await expect(row).toContainText(code)
  await expect(row).toContainText('办理中')
  await link.click()
  await expect(page).toHaveURL(projectURL)
  await expect(page.locator('[data-test="project-state"]')).toHaveText('办理中')
  await expect(page.locator('[data-stage="1"]')).toContainText('审批中')
})
