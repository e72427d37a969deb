"""What each role is for, in the words shown to its users."""

from zhaoshang.accounts.roles import Role

# Shown on the home page, above all to roles without project figures.
ROLE_DUTIES: dict[str, list[str]] = {
    Role.CITY_ADMIN: [
        "查看全市各县（市、区）和功能区的招商项目与到位资金",
        "核实或退回各单位填报的到位资金（不能核实本人填报的记录）",
        "查阅审计日志，导出筛选结果",
    ],
    Role.UNIT_STAFF: [
        "录入和维护本单位的招商项目，推进项目阶段并上传证明材料",
        "按月填报到位资金，提交市级核实",
        "维护企业库中的投资方信息",
    ],
    Role.LEADER: ["查看负责范围内的项目进展和到位资金", "填报帮包项目的推进情况"],
    Role.COMMISSIONER: ["跟踪服务分配给您的项目", "更新推进节点、填报项目进展"],
    Role.DEPT_STAFF: [
        "查阅企业库",
        "办理派发到本部门的项目问题和诉求（功能建设中）",
    ],
    Role.AUDITOR: [
        "只读查看全部招商项目、到位资金和企业信息",
        "查阅和导出审计日志，追溯每一项修改的操作人、时间和前后内容",
    ],
    Role.SYSADMIN: [
        "管理用户账号：新建、分配角色和单位、停用、重置密码",
        "按照职责分离原则，系统管理员不能查看或修改招商业务数据，也不能查阅审计日志",
    ],
}
