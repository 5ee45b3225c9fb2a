package dev.acmefilter.it.probe;

import jakarta.servlet.annotation.WebServlet;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import java.io.IOException;

/** A servlet of the "homeserver's own" webapp, added to acme.war: must keep working beside the filter. */
@WebServlet("/it-hello")
public class HelloServlet extends HttpServlet {

    static final String GREETING = "hello from a second servlet";

    @Override
    protected void doGet(HttpServletRequest req, HttpServletResponse resp) throws IOException {
        resp.setContentType("text/plain");
        resp.setCharacterEncoding("UTF-8");
        resp.getWriter().print(GREETING);
    }
}
